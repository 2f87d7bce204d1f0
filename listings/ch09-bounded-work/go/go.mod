module pooling-book/ch09-bounded-work

go 1.19
