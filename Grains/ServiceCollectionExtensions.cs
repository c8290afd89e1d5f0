using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitoring.Grains.Credentials;
using Monitoring.Sql;

namespace Monitoring.Grains;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers what the grains of a silo need besides Orleans itself.</summary>
    public static IServiceCollection AddMonitoringGrains(this IServiceCollection services, IConfiguration configuration, DatabaseSettings database)
    {
        services.AddSingleton(EncryptionKeys.Read(configuration));
        services.AddSingleton<CredentialProtector>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
