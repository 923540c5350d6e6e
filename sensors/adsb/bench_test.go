package adsb

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// sbsMix returns n SBS lines of 200 aircraft in dump1090's proportions for
// an airborne feed: MSG,3 position 35 %, MSG,4 velocity 35 %, MSG,5
// altitude 20 %, MSG,1 identification 10 %.
func sbsMix(n int) []string {
	lines := make([]string, 0, n)
	for i := range n {
		icao := strings.ToUpper(hexLower(0x400000 + uint32(i%200)*97))
		tm := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC).Add(time.Duration(i) * 2 * time.Millisecond)
		ts := tm.Format("2006/01/02,15:04:05.000")
		h := ",1,1," + icao + ",1," + ts + "," + ts + ","
		lat := strconv.FormatFloat(50+float64(i%997)/1000, 'f', 5, 64)
		lon := strconv.FormatFloat(1+float64(i%991)/1000, 'f', 5, 64)
		switch k := i % 20; {
		case k < 7:
			lines = append(lines, "MSG,3"+h+",3"+strconv.Itoa(i%10)+"000,,,"+lat+","+lon+",,,0,0,0,0")
		case k < 14:
			lines = append(lines, "MSG,4"+h+",,45"+strconv.Itoa(i%10)+",1"+strconv.Itoa(i%10)+"7,,,-64,,0,0,0,0")
		case k < 18:
			lines = append(lines, "MSG,5"+h+",3"+strconv.Itoa(i%10)+"000,,,,,,,0,,0,0")
		default:
			lines = append(lines, "MSG,1"+h+"BAW"+strconv.Itoa(i%200)+",,,,,,,,,,,0")
		}
	}
	return lines
}

// BenchmarkSBS decodes payloads of 100 lines each (a realistic MQTT batch);
// it reports lines per second.
func BenchmarkSBS(b *testing.B) {
	lines := sbsMix(10000)
	var payloads [][]byte
	for i := 0; i < len(lines); i += 100 {
		payloads = append(payloads, []byte(strings.Join(lines[i:i+100], "\r\n")+"\r\n"))
	}
	d := NewSBSDecoder(Options{})
	var dst []sensors.Report
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var errs []error
		dst, errs = d.Decode(dst[:0], payloads[i%len(payloads)], time.Time{})
		if errs != nil {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/line")
}

// BenchmarkSBSLine decodes one line per payload (one line per MQTT message).
func BenchmarkSBSLine(b *testing.B) {
	lines := sbsMix(10000)
	payloads := make([][]byte, len(lines))
	for i, l := range lines {
		payloads[i] = []byte(l + "\r\n")
	}
	d := NewSBSDecoder(Options{})
	var dst []sensors.Report
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst, _ = d.Decode(dst[:0], payloads[i%len(payloads)], time.Time{})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkAVR decodes the Riddle messages as AVR lines, 100 per payload.
func BenchmarkAVR(b *testing.B) {
	msgs := []string{"8D40621D58C386435CC412692AD6", "8D40621D58C382D690C8AC2863A7", "8D485020994409940838175B284F", "8D4840D6202CC371C32CE0576098"}
	var sb strings.Builder
	for i := range 100 {
		sb.WriteString("*" + msgs[i%4] + ";\n")
	}
	payload := []byte(sb.String())
	d := NewModeSDecoder(Options{}, AVR)
	var dst []sensors.Report
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		dst, _ = d.Decode(dst[:0], payload, t0.Add(time.Duration(i)*time.Millisecond))
	}
	b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "frames/s")
}
