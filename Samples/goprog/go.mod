module example.com/imgseed

go 1.19
