global using StressVm.Runtime;
