module pprofbench/synth

go 1.19
