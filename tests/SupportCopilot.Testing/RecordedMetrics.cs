using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SupportCopilot.Testing;

/// <summary>
/// Sums what the instruments of one host's meters record. Meters made by a host's
/// <see cref="IMeterFactory"/> carry it as their scope, so tests running side by side in one
/// process never see each other's measurements.
/// </summary>
public sealed class RecordedMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _totals = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public RecordedMetrics(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    /// <summary>The sum of every measurement of the instrument so far (for a histogram: of the values).</summary>
    public double Total(string instrument) => _totals.GetValueOrDefault(instrument);

    /// <summary>How many measurements the instrument recorded so far (for a histogram: how many values).</summary>
    public int Count(string instrument) => _counts.GetValueOrDefault(instrument);

    /// <summary>Reads the observable instruments (gauges) now; their latest value replaces the total.</summary>
    public void Observe()
    {
        foreach (var key in _totals.Keys.Where(k => k.EndsWith("_depth", StringComparison.Ordinal)))
        {
            _totals.TryRemove(key, out _);
        }

        _listener.RecordObservableInstruments();
    }

    public void Dispose() => _listener.Dispose();

    private void Add(string name, double value)
    {
        _totals.AddOrUpdate(name, value, (_, total) => total + value);
        _counts.AddOrUpdate(name, 1, (_, count) => count + 1);
    }
}
