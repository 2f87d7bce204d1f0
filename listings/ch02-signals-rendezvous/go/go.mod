module pooling-book/ch02-signals-rendezvous

go 1.19
