module legacydemo

go 1.19
