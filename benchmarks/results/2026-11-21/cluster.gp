set terminal svg size 900,500 dynamic background rgb 'white'
set output 'cluster.svg'
set title 'dkv kv perf: operations per second, 3-node dstore cluster over tcp (fsync on)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set ylabel 'ops/s'
set yrange [0:*]
set format y '%.0f'
set grid ytics
plot for [i=2:5] 'cluster.dat' using i:xtic(1) title columnheader(i)
