module pooling-book/ch02-signals-in-tray

go 1.19
