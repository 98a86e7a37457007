set terminal svg size 1336,500 dynamic background rgb 'white'
set output 'ops.svg'
set title 'dkv kv perf: operations per second, one lstore node per transport x serializer'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set ylabel 'ops/s'
set yrange [0:*]
set format y '%.0f'
set grid ytics
plot for [i=2:13] 'ops.dat' using i:xtic(1) title columnheader(i)
