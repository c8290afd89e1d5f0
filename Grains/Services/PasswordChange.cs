using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Services;

/// <summary>What a create or patch does to the stored password: keep it, replace it, or remove it.</summary>
public readonly record struct PasswordChange(bool IsChange, Secret? NewValue)
{
    public static readonly PasswordChange Keep = default;

    public static PasswordChange From(Optional<Secret?> field) => field.IsSet ? new(true, field.Value) : Keep;
}
