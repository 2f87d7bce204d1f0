module pooling-book/ch04-pooling-faithful

go 1.19
