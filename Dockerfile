# One build, two images: `--target silo` and `--target gateway` (docker-compose.yml builds both).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish Silo/Silo.csproj -c Release -o /out/silo \
 && dotnet publish Gateway/Gateway.csproj -c Release -o /out/gateway

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
# Other silos and gateways reach this silo on the container's own address.
ENV SILO_ADVERTISED_IP=auto
EXPOSE 11111 30000 9464
ENTRYPOINT ["dotnet", "Monitoring.Silo.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS gateway
WORKDIR /app
COPY --from=build /out/gateway .
ENV HOST=0.0.0.0 PORT=3030
EXPOSE 3030
ENTRYPOINT ["dotnet", "Monitoring.Gateway.dll"]
