module pooling-book/ch05-limit-access

go 1.19
