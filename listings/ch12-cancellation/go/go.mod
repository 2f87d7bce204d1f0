module pooling-book/ch12-cancellation

go 1.19
