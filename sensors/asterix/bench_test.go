package asterix

import (
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// BenchmarkCAT048 decodes every CAT048 block of cat_034_048.pcap (86 blocks,
// 128 records, 126 plots) per iteration, or, without ../shared/data,
// synthetic blocks of the same shape, and reports plots per second (wall
// clock) and CPU nanoseconds per plot (process CPU time, GC included; run
// with -cpu 1 for a figure that holds on a loaded machine).
func BenchmarkCAT048(b *testing.B) {
	var blocks [][]byte
	for _, p := range stagedPayloads(b, "cat_034_048.pcap") {
		for _, blk := range splitBlocks(p) {
			if blk[0] == 48 {
				blocks = append(blocks, blk)
			}
		}
	}
	if len(blocks) == 0 {
		blocks = [][]byte{syntheticSeeds()[0]}
	}
	d := NewDecoder(Options{Sensor: "bench"})
	at := time.Date(2016, 5, 5, 7, 35, 0, 0, time.UTC)
	var dst []sensors.Report
	plots := 0
	for _, blk := range blocks {
		dst, _ = d.Decode(dst[:0], blk, at)
		plots += len(dst)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	cpu0, cpuOK := cpuTime()
	for i := 0; i < b.N; i++ {
		for _, blk := range blocks {
			dst, _ = d.Decode(dst[:0], blk, at)
		}
	}
	el := time.Since(start)
	cpu1, _ := cpuTime()
	b.ReportMetric(float64(plots)*float64(b.N)/el.Seconds(), "plots/s")
	b.ReportMetric(float64(el.Nanoseconds())/float64(plots*b.N), "ns/plot")
	if cpuOK {
		// Process CPU time (GC included): meaningful with -cpu 1 on a busy machine.
		b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(plots*b.N), "cpu-ns/plot")
	}
}
