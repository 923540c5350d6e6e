package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/sim"
)

// vigiaProc is `vigia run` as a separate process, to be killed for real.
type vigiaProc struct {
	t    *testing.T
	bin  string
	conf string
	cmd  *exec.Cmd
	log  *os.File
}

func (v *vigiaProc) start() {
	v.t.Helper()
	v.cmd = exec.Command(v.bin, "run", "-config", v.conf)
	v.cmd.Stdout, v.cmd.Stderr = v.log, v.log
	if err := v.cmd.Start(); err != nil {
		v.t.Fatal(err)
	}
}

func (v *vigiaProc) signal(sig syscall.Signal) {
	if v.cmd == nil {
		return
	}
	v.cmd.Process.Signal(sig)
	v.cmd.Wait()
	v.cmd = nil
}

// killRun plays 80 s of the Rio Grande scene in real time (wall-clock
// times) into mosquitto for a `vigia run` process; killAt > 0 SIGKILLs the
// daemon that far in and starts it again 2 s later. It returns the alert
// ids an operations centre with a persistent session received.
func killRun(t *testing.T, bin string, killAt time.Duration) map[string]bool {
	m := newMosq(t)
	dir := t.TempDir()
	text := strings.Replace(string(config.BuiltinYAML()), `  url: ""`, "  url: "+m.url()+"\n  client_id: vigia-kill-test", 1)
	text += fmt.Sprintf("\nstate_dir: %s\nsigning:\n  key_file: %s\nlog:\n  level: info\n", filepath.Join(dir, "state"), filepath.Join(dir, "key.pem"))
	conf := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "vigia.log"))
	if err != nil {
		t.Fatal(err)
	}
	v := &vigiaProc{t: t, bin: bin, conf: conf, log: logf}
	t.Cleanup(func() {
		v.signal(syscall.SIGKILL)
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("vigia log:\n%s", b)
		}
		logf.Close()
	})
	ops := newAgencyOps(t, m.url(), "ops-kill", "vigia/")
	status := make(chan string, 16)
	w := paho.NewClient(paho.NewClientOptions().AddBroker(m.url()).SetClientID("status-kill"))
	if tok := w.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer w.Disconnect(0)
	w.Subscribe("vigia/status/gulf-1", 1, func(_ paho.Client, msg paho.Message) { status <- string(msg.Payload()) })
	waitOnline := func() {
		deadline := time.After(20 * time.Second)
		for {
			select {
			case s := <-status:
				if s == "online" {
					return
				}
			case <-deadline:
				t.Fatal("vigia did not come online")
			}
		}
	}
	v.start()
	waitOnline()

	gw := paho.NewClient(paho.NewClientOptions().AddBroker(m.url()).SetClientID("gw-kill").SetCleanSession(false).
		SetConnectRetry(true).SetAutoReconnect(true).SetOrderMatters(true))
	if tok := gw.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer gw.Disconnect(100)
	start := time.Now().Add(time.Second).Truncate(time.Millisecond)
	g, err := sim.NewGenerator(sim.RioGrande(start.UTC()), 5, "vigia/")
	if err != nil {
		t.Fatal(err)
	}
	killed := false
	for msg := g.Next(); msg.Time.Before(start.Add(80 * time.Second)); msg = g.Next() {
		time.Sleep(time.Until(msg.Time))
		if killAt > 0 && !killed && time.Since(start) >= killAt {
			killed = true
			v.signal(syscall.SIGKILL)
			t.Logf("vigia SIGKILLed %s into the scene", time.Since(start).Round(time.Second))
			time.Sleep(2 * time.Second)
			v.start()
		}
		gw.Publish(msg.Topic, 1, false, msg.Payload) // not waited for: the gateway keeps its pace
	}
	time.Sleep(3 * time.Second)
	v.signal(syscall.SIGTERM) // flushes what is pending
	time.Sleep(time.Second)
	ids := map[string]bool{}
	for _, k := range ops.keys() {
		ag, rest, _ := strings.Cut(k, " ")
		id, _, _ := strings.Cut(rest, "#")
		ids[ag+" "+id] = true
	}
	t.Logf("%d (agency, alert id) received", len(ids))
	if killAt > 0 {
		b, _ := os.ReadFile(logf.Name())
		if !strings.Contains(string(b), "picture restored") {
			t.Errorf("the restarted daemon did not restore its picture")
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "picture restored") || strings.Contains(l, "publishing them again") {
				t.Logf("vigia: %s", l)
			}
		}
	}
	return ids
}

// TestDaemonKillLosesNoAlert: vigia run is SIGKILLed in the middle of a
// live feed and started again; the operations centre ends up with every
// (agency, alert) of a run without the kill. Its journal republishes what
// the broker never acknowledged, its persistent session gets the reports
// sent while it was down, and its saved picture carries tracks and alert ids
// over the restart. (Revisions may differ: the live timing differs.)
func TestDaemonKillLosesNoAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("two 80-second live runs")
	}
	mosquittoPath(t)
	bin := filepath.Join(t.TempDir(), "vigia")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/vigia-project/vigia/cmd/vigia").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	clean := killRun(t, bin, 0)
	faulty := killRun(t, bin, 68*time.Second)
	if len(clean) < 4 {
		t.Fatalf("only %d alerts in the clean run: the scene proves nothing", len(clean))
	}
	var missing []string
	for k := range clean {
		if !faulty[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d alerts missing after the kill: %v", len(missing), len(clean), missing)
	}
	t.Logf("clean run: %d alerts; with a SIGKILL and restart: %d, none missing", len(clean), len(faulty))
}
