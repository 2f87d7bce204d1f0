module pooling-book/ch02-signals-without-data

go 1.19
