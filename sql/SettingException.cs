namespace Monitoring.Sql;

/// <summary>
/// A required setting is missing or malformed. Hosts print <see cref="Exception.Message"/> as one line
/// (it starts with the setting's name) and exit before starting anything.
/// </summary>
public sealed class SettingException(string setting, string reason) : Exception($"{setting} {reason}")
{
    public string Setting { get; } = setting;
}
