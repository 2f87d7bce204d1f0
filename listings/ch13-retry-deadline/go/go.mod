module pooling-book/ch13-retry-deadline

go 1.19
