package daemon

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// mosquittoPath finds Debian's mosquitto. Without it the test skips on a
// laptop and fails under CI (CI=true), where .ci/run installs it.
func mosquittoPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"mosquitto", "/usr/sbin/mosquitto"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("mosquitto is not installed, and CI is set: .ci/run must install it (apt-get install -y mosquitto)")
	}
	t.Skip("mosquitto is not installed (apt-get install -y mosquitto); skipped outside CI")
	return ""
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMosquitto runs a real mosquitto on a free loopback port with queue
// limits sized so that QoS 1 is not dropped for a lagging subscriber, and
// returns its URL. It is stopped when the test ends.
func startMosquitto(t *testing.T) string {
	t.Helper()
	bin := mosquittoPath(t)
	dir := t.TempDir()
	port := freePort(t)
	runMosquitto(t, bin, dir, fmt.Sprintf(`listener %d 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 100000
max_inflight_messages 0
log_dest stderr
log_type error
log_type warning
`, port), port)
	return "tcp://127.0.0.1:" + strconv.Itoa(port)
}

// runMosquitto writes conf to dir, runs mosquitto on it until the test ends
// (showing the configuration and its log if the test failed), and waits
// until it listens on every one of ports.
func runMosquitto(t *testing.T, bin, dir, conf string, ports ...int) {
	t.Helper()
	confFile := filepath.Join(dir, "mosquitto.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", confFile)
	logf, err := os.Create(filepath.Join(dir, "mosquitto.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mosquitto: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("mosquitto configuration:\n%s\nmosquitto log:\n%s", conf, b)
		}
	})
	for _, port := range ports {
		addr := "127.0.0.1:" + strconv.Itoa(port)
		waitFor(t, 10*time.Second, func() error {
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err != nil {
				return fmt.Errorf("mosquitto not listening on %s: %v", addr, err)
			}
			c.Close()
			return nil
		})
	}
}

// The daemon against a real mosquitto: a radar report sequence for an
// unidentified vessel becomes a dark_vessel alert on the right agency topics.
func TestDarkVesselEndToEndMosquitto(t *testing.T) {
	url := startMosquitto(t)
	r := startDaemon(t, testConfig(t, url))
	if r.d.BrokerURL() != url || r.d.brk != nil {
		t.Fatalf("daemon uses %s (embedded %v), want the external broker %s", r.d.BrokerURL(), r.d.brk != nil, url)
	}
	runDarkVesselScenario(t, r, nil)
}
