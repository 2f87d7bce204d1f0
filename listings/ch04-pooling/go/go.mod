module pooling-book/ch04-pooling

go 1.19
