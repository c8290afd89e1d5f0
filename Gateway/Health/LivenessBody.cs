namespace Monitoring.Gateway.Health;

/// <summary>The body of /healthz: the process is up and serving.</summary>
public sealed record LivenessBody(string Status);
