# syntax=docker/dockerfile:1
# The image the manifests in deploy/k8s name (stressvm:0.1.0): the `stressvm` CLI on PATH, on the .NET runtime.
#   docker build -t stressvm:0.1.0 .
# Stage 1 builds with the .NET SDK (restoring the pinned NuGet packages); stage 2 carries only the published
# CLI, the runtime and the shard wrapper (deploy/k8s/stressvm-shard.sh), and runs as the image's non-root user.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The whole repository less what .dockerignore leaves out (tests, build output, node_modules): every project
# the CLI references comes along, however many there are.
COPY . .
RUN dotnet publish cli/StressVm.Cli.csproj -c Release -o /out/stressvm

FROM mcr.microsoft.com/dotnet/runtime:10.0
COPY --from=build /out/stressvm /opt/stressvm
COPY --chmod=0755 deploy/k8s/stressvm-shard.sh /usr/local/bin/stressvm-shard
RUN ln -s /opt/stressvm/stressvm /usr/local/bin/stressvm && stressvm --help > /dev/null
# The soak's state (journal, minimized schedules) lives here; mount a volume on it.
WORKDIR /state
# APP_UID is the base image's non-root user (uid 1654).
USER $APP_UID
ENTRYPOINT ["stressvm"]
CMD ["--help"]
