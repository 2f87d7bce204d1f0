module pooling-book/ch22-measure/go-pool

go 1.19
