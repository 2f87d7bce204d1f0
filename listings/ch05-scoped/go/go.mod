module pooling-book/ch05-scoped

go 1.19
