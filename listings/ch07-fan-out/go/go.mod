module pooling-book/ch07-fan-out

go 1.19
