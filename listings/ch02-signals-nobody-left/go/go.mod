module pooling-book/ch02-signals-nobody-left

go 1.19
