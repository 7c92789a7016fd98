# Sourced by scripts/test.sh and scripts/run.sh: the JIT tuning the AppHost gives the stack's services
# (src/MailStack.AppHost/Infrastructure/JitTuning.cs), for every .NET process these scripts start,
# the build's MSBuild nodes and compiler server included. They live seconds to minutes: by default
# the runtime recompiled their hot code with profiling, then again optimized, for a steady state they
# never reach. A fresh clone's build: 46-53 s and 87-101 s of CPU by default, 33 s and 59-61 s with
# this; in the tests, recompiling took a fifth of the run's CPU and W^X (each page of JIT'd code
# mapped writable and back) 8 % more (bench/README.md). A value already in the environment is kept.
export DOTNET_TieredPGO=${DOTNET_TieredPGO:-0} DOTNET_TC_CallCountThreshold=${DOTNET_TC_CallCountThreshold:-500} \
  DOTNET_EnableWriteXorExecute=${DOTNET_EnableWriteXorExecute:-0}
