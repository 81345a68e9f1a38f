# loop/: the AioContext/IOThread library (build/libaioloop.a)
LOOP_SRCS +=
