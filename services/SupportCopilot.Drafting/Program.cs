using SupportCopilot.Hosting;
using SupportCopilot.Drafting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSupportCopilotDefaults("supportcopilot-drafting");
builder.AddDraftingService();
builder.Services.AddSupportCopilotMessaging(builder.Configuration, DraftingService.AddConsumers);

var app = builder.Build();
app.MapSupportCopilotDefaults();
app.MapDraftingService();
app.Run();
