module pooling-book/ch06-wait-for-result

go 1.19
