using SupportCopilot.Hosting;
using SupportCopilot.Review;

var builder = WebApplication.CreateBuilder(args);
builder.AddSupportCopilotDefaults("supportcopilot-review");
builder.AddReviewService();
builder.Services.AddSupportCopilotMessaging(builder.Configuration, ReviewService.AddConsumers);

var app = builder.Build();
app.MapSupportCopilotDefaults();
app.MapReviewService();
app.Run();
