using SupportCopilot.Drafting;
using SupportCopilot.Hosting;
using SupportCopilot.Intake;
using SupportCopilot.Review;
using SupportCopilot.Standalone;

// All three services in one process: in-memory bus, SQLite files, the sample knowledge base.
var builder = WebApplication.CreateBuilder(StandaloneDefaults.StripFlags(args, out var postSampleTickets));
StandaloneDefaults.Apply(builder, postSampleTickets);
builder.AddSupportCopilotDefaults("supportcopilot-standalone");
builder.AddIntakeService();
builder.AddDraftingService();
builder.AddReviewService();
builder.Services.AddSupportCopilotMessaging(
    builder.Configuration, IntakeService.AddConsumers, DraftingService.AddConsumers, ReviewService.AddConsumers);
builder.Services.AddHostedService<SampleTicketPoster>();

var app = builder.Build();
app.MapSupportCopilotDefaults();
app.MapIntakeService();
app.MapDraftingService();
app.MapReviewService();
app.MapGet("/", () => Results.Redirect("/review")).ExcludeFromDescription();
app.Run();
