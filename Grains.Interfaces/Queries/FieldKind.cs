namespace Monitoring.Grains.Interfaces.Queries;

public enum FieldKind
{
    Integer,
    Text,
    Boolean,
    Time,
}
