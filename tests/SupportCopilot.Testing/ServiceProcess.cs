using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SupportCopilot.Testing;

/// <summary>
/// One service as its own OS process from its build output, the way it runs in production, which
/// a test may kill with SIGKILL and start again on the same port. Its output goes to a log file
/// for when a test fails. Every process gets a bootstrap admin key (<see cref="AdminApiKey"/>
/// unless the environment names another), and <see cref="Http"/> sends it.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    public const string AdminApiKey = "sc_test-processes-bootstrap-admin";

    private readonly string _project;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly IReadOnlyList<string> _arguments;
    private Process? _process;
    private StreamWriter? _log;

    private ServiceProcess(string project, string name, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> arguments)
    {
        _project = project;
        Name = name;
        _environment = environment;
        _arguments = arguments;
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        LogFile = Path.Combine(Path.GetTempPath(), $"supportcopilot-{name}-{BaseAddress.Port}.log");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var key = environment.TryGetValue("Auth__AdminApiKey", out var configured) && !string.IsNullOrEmpty(configured) ? configured : AdminApiKey;
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public string LogFile { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Starts <paramref name="project"/> (e.g. <c>SupportCopilot.Intake</c>); <paramref name="name"/> labels its log.</summary>
    public static ServiceProcess Start(
        string project, IReadOnlyDictionary<string, string?> environment, IEnumerable<string>? arguments = null, string? name = null)
    {
        var service = new ServiceProcess(project, name ?? project, environment, [.. arguments ?? []]);
        service.Start();
        return service;
    }

    public void Start()
    {
        var dll = Path.Combine(RepositoryRoot, "services", _project, "bin", BuildConfiguration, "net10.0", _project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build {_project} first; {dll} is missing.", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        start.Environment["Auth__AdminApiKey"] = AdminApiKey;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Extensions.Diagnostics.HealthChecks"] = "None";
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _log ??= new StreamWriter(LogFile, append: true) { AutoFlush = true };
        var log = _log;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Name}.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: no shutdown hook runs, in-flight messages are neither finished nor acknowledged.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Write(_log!, $"---- killed at {DateTimeOffset.UtcNow:O} ----");
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"{Name} exited with {exited.ExitCode}:\n{Tail()}");
            }

            try
            {
                using var response = await Http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready within {timeout}:\n{Tail()}");
    }

    /// <summary>Resident memory in bytes, from /proc.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public string Tail(int lines = 60)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The services are started from the same configuration (Debug/Release) as this test.</summary>
    private static string BuildConfiguration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SupportCopilot.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("SupportCopilot.sln not found above the test folder.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
