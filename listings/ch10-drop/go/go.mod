module pooling-book/ch10-drop

go 1.19
