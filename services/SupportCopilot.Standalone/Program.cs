using SupportCopilot.Standalone;

// All three services in one process: in-memory bus, SQLite files, the sample knowledge base.
StandaloneApp.Build(args).Run();
