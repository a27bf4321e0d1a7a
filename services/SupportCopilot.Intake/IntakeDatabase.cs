using SupportCopilot.Data;

namespace SupportCopilot.Intake;

internal sealed class IntakeDatabase(DatabaseSettings settings) : ServiceDatabase(IntakeService.Name, settings);
