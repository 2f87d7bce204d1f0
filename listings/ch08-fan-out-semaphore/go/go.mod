module pooling-book/ch08-fan-out-semaphore

go 1.19
