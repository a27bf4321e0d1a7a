using SupportCopilot.Hosting;
using SupportCopilot.Intake;

var builder = WebApplication.CreateBuilder(args);
builder.AddSupportCopilotDefaults("supportcopilot-intake");
builder.AddIntakeService();
builder.Services.AddSupportCopilotMessaging(builder.Configuration, IntakeService.AddConsumers);

var app = builder.Build();
app.MapSupportCopilotDefaults();
app.MapIntakeService();
app.Run();
