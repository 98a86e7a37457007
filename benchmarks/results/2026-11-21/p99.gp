set terminal svg size 900,500 dynamic background rgb 'white'
set output 'p99.svg'
set title 'dkv kv perf: p99 latency of set and get (µs)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set ylabel 'µs'
set yrange [0:*]
set format y '%.0f'
set grid ytics
plot for [i=2:17] 'p99.dat' using i:xtic(1) title columnheader(i)
