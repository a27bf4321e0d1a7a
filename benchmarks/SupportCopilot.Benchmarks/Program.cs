using BenchmarkDotNet.Running;
using SupportCopilot.Benchmarks;

// dotnet run -c Release --project benchmarks/SupportCopilot.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(KnowledgeSearchBenchmarks).Assembly).Run(args);
