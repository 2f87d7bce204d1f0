module pooling-book/ch03-wait-for-task

go 1.19
