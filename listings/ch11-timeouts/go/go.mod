module pooling-book/ch11-timeouts

go 1.19
