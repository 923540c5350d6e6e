package daemon

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/vigia-project/vigia/broker"
	"github.com/vigia-project/vigia/config"
)

// The accounts of the ACL tests, as in deploy/mosquitto/acl: user, password, role, agency.
var aclUsers = []config.BrokerUser{
	{Username: "vigia", Password: "daemon-secret", Role: "daemon"},
	{Username: "admin", Password: "admin-secret", Role: "admin"},
	{Username: "gw-tars-rgv", Password: "gateway-secret", Role: "gateway"},
	{Username: "uscg", Password: "uscg-secret", Role: "agency", Agency: "uscg"},
	{Username: "semar", Password: "semar-secret", Role: "agency", Agency: "semar"},
	{Username: "ccg", Password: "ccg-secret", Role: "agency", Agency: "ccg"},
}

func aclPassword(user string) string {
	for _, u := range aclUsers {
		if u.Username == user {
			return u.Password
		}
	}
	return ""
}

// testPKI is a throw-away CA with a server certificate for 127.0.0.1 and
// localhost and a client certificate, all as PEM files.
type testPKI struct {
	caFile, serverCert, serverKey, clientCert, clientKey string
	otherCAFile                                          string // a CA that signed nothing here
	pool                                                 *x509.CertPool
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	serial := int64(0)
	newCA := func(name string) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		serial++
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return cert, key, der
	}
	leaf := func(ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string, usage x509.ExtKeyUsage, certFile, keyFile string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		serial++
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		if usage == x509.ExtKeyUsageServerAuth {
			tmpl.DNSNames = []string{"localhost"}
			tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		write(certFile, "CERTIFICATE", der)
		write(keyFile, "PRIVATE KEY", kder)
	}
	ca, caKey, caDER := newCA("vigia test CA")
	_, _, otherDER := newCA("some other CA")
	p := &testPKI{caFile: write("ca.crt", "CERTIFICATE", caDER), otherCAFile: write("other-ca.crt", "CERTIFICATE", otherDER),
		serverCert: filepath.Join(dir, "server.crt"), serverKey: filepath.Join(dir, "server.key"),
		clientCert: filepath.Join(dir, "client.crt"), clientKey: filepath.Join(dir, "client.key"),
		pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	leaf(ca, caKey, "127.0.0.1", x509.ExtKeyUsageServerAuth, "server.crt", "server.key")
	leaf(ca, caKey, "vigia-client", x509.ExtKeyUsageClientAuth, "client.crt", "client.key")
	return p
}

// clientTLS is a TLS client configuration trusting the test CA, with the client certificate when withCert.
func (p *testPKI) clientTLS(t *testing.T, withCert bool) *tls.Config {
	t.Helper()
	c := &tls.Config{RootCAs: p.pool}
	if withCert {
		cert, err := tls.LoadX509KeyPair(p.clientCert, p.clientKey)
		if err != nil {
			t.Fatal(err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c
}

// dial connects a paho client as user (password from aclUsers unless
// given), without retries; the error is the CONNECT's.
func dial(t *testing.T, url, id, user, password string, tc *tls.Config) (paho.Client, error) {
	t.Helper()
	if password == "" {
		password = aclPassword(user)
	}
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetUsername(user).SetPassword(password).
		SetConnectTimeout(5 * time.Second).SetAutoReconnect(false).SetOrderMatters(true).SetCleanSession(true)
	if tc != nil {
		o.SetTLSConfig(tc)
	}
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(10 * time.Second) {
		return nil, fmt.Errorf("connect %s as %q: timed out", url, user)
	}
	if err := tok.Error(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c, nil
}

func mustDial(t *testing.T, url, id, user string, tc *tls.Config) paho.Client {
	t.Helper()
	c, err := dial(t, url, id, user, "", tc)
	if err != nil {
		t.Fatalf("connect %s as %q: %v", url, user, err)
	}
	return c
}

// inbox records what one client receives, by topic.
type inbox struct {
	mu  sync.Mutex
	got []string // "topic payload"
}

func (b *inbox) handler(_ paho.Client, m paho.Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.got = append(b.got, m.Topic()+" "+string(m.Payload()))
}

func (b *inbox) has(msg string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, g := range b.got {
		if g == msg {
			return true
		}
	}
	return false
}

func (b *inbox) all() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.got...)
}

// subscribeAll subscribes c to each filter into box. A refused
// subscription is not an error here (MQTT 3.1.1: mochi answers 0x80,
// mosquitto may grant it and then deliver nothing): what counts is what
// arrives. It returns the granted QoS (0x80: refused) per filter.
func subscribeAll(t *testing.T, c paho.Client, box *inbox, filters ...string) map[string]byte {
	t.Helper()
	m := map[string]byte{}
	for _, f := range filters {
		m[f] = 1
	}
	tok := c.SubscribeMultiple(m, box.handler)
	if !tok.WaitTimeout(10 * time.Second) {
		t.Fatalf("subscribe %v: no SUBACK", filters)
	}
	return tok.(*paho.SubscribeToken).Result()
}

func publish(t *testing.T, c paho.Client, topic, payload string) {
	t.Helper()
	tok := c.Publish(topic, 1, false, payload)
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// eventually waits until box holds msg.
func eventually(t *testing.T, box *inbox, who, msg string) {
	t.Helper()
	waitFor(t, 10*time.Second, func() error {
		if !box.has(msg) {
			return fmt.Errorf("%s never received %q; got %q", who, msg, box.all())
		}
		return nil
	})
}

// checkAgencyACL runs the access-control checks with real clients against
// the broker at url (users as aclUsers, prefix "vigia/"):
//   - a wrong password, an unknown user and no user cannot connect;
//   - SEMAR can neither subscribe to nor receive vigia/alerts/uscg, by name
//     or by wildcard, while USCG receives it;
//   - a gateway can publish vigia/obs/radar/x but not an alert on
//     vigia/alerts/uscg (USCG receives nothing), nor read alerts;
//   - USCG can publish its own acks but not SEMAR's.
//
// "Receives nothing" is made exact with a sentinel: each forbidden message
// is followed, from the same publisher or after it is known to be
// processed, by one the client may receive; once the sentinel is in,
// the forbidden one would have been too.
func checkAgencyACL(t *testing.T, url string, tc *tls.Config) {
	t.Helper()
	id := func(s string) string { return "acl-" + s + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) }

	for _, bad := range []struct{ user, password string }{
		{"uscg", "not-the-password"}, {"uscg", "semar-secret"}, {"nobody", "uscg-secret"},
	} {
		if _, err := dial(t, url, id("bad"), bad.user, bad.password, tc); err == nil {
			t.Errorf("user %q with password %q connected", bad.user, bad.password)
		}
	}
	if _, err := dial(t, url, id("anon"), "", "", tc); err == nil {
		t.Error("an anonymous client connected")
	}

	daemonC := mustDial(t, url, id("daemon"), "vigia", tc)
	all := &inbox{}
	subscribeAll(t, daemonC, all, "vigia/#")

	uscg := mustDial(t, url, id("uscg"), "uscg", tc)
	uscgBox := &inbox{}
	if r := subscribeAll(t, uscg, uscgBox, "vigia/alerts/uscg", "vigia/tracks"); r["vigia/alerts/uscg"] == 0x80 || r["vigia/tracks"] == 0x80 {
		t.Errorf("USCG's own subscriptions refused: %v", r)
	}
	semar := mustDial(t, url, id("semar"), "semar", tc)
	semarBox := &inbox{}
	r := subscribeAll(t, semar, semarBox, "vigia/alerts/uscg", "vigia/alerts/+", "vigia/#", "#", "vigia/alerts/semar")
	t.Logf("SEMAR's SUBACK: %v", r)
	if r["vigia/alerts/semar"] == 0x80 {
		t.Errorf("SEMAR's own alert subscription refused")
	}

	// The daemon publishes to USCG, then to SEMAR (the sentinel).
	publish(t, daemonC, "vigia/alerts/uscg", "alert-for-uscg")
	publish(t, daemonC, "vigia/alerts/semar", "alert-for-semar")
	eventually(t, uscgBox, "USCG", "vigia/alerts/uscg alert-for-uscg")
	eventually(t, semarBox, "SEMAR", "vigia/alerts/semar alert-for-semar")
	for _, g := range semarBox.all() {
		if strings.HasPrefix(g, "vigia/alerts/uscg ") {
			t.Errorf("SEMAR received USCG's alert: %q", g)
		}
	}

	// A gateway publishes an observation, then tries to forge an alert.
	gw := mustDial(t, url, id("gw"), "gw-tars-rgv", tc)
	gwBox := &inbox{}
	subscribeAll(t, gw, gwBox, "vigia/alerts/#", "vigia/alerts/uscg")
	publish(t, gw, "vigia/obs/radar/x", "radar-report")
	eventually(t, all, "the daemon", "vigia/obs/radar/x radar-report")
	gw.Publish("vigia/alerts/uscg", 0, false, "forged-qos0").WaitTimeout(5 * time.Second)
	// QoS 1: mosquitto acknowledges and drops it; mochi disconnects a 3.1.1 client.
	gw.Publish("vigia/alerts/uscg", 1, false, "forged-qos1").WaitTimeout(5 * time.Second)
	gw.Disconnect(100)
	publish(t, daemonC, "vigia/alerts/uscg", "sentinel")
	eventually(t, uscgBox, "USCG", "vigia/alerts/uscg sentinel")
	eventually(t, all, "the daemon", "vigia/alerts/uscg sentinel")
	for _, box := range []*inbox{uscgBox, all} {
		for _, g := range box.all() {
			if strings.Contains(g, "forged") {
				t.Errorf("a gateway's forged alert was delivered: %q", g)
			}
		}
	}
	for _, g := range gwBox.all() {
		t.Errorf("the gateway read %q", g)
	}

	// USCG acknowledges on its own topic, then tries SEMAR's.
	uscg.Publish("vigia/acks/semar", 0, false, "forged-ack").WaitTimeout(5 * time.Second)
	publish(t, uscg, "vigia/acks/uscg", "ack-by-uscg")
	eventually(t, all, "the daemon", "vigia/acks/uscg ack-by-uscg")
	for _, g := range all.all() {
		if strings.Contains(g, "forged-ack") {
			t.Errorf("USCG published on SEMAR's ack topic: %q", g)
		}
	}
}

// embeddedACLBroker starts the embedded broker with aclUsers, the way the
// daemon configures it (embeddedBrokerOptions), with a TLS listener when
// pki is not nil (requiring client certificates when clientCA).
func embeddedACLBroker(t *testing.T, pki *testPKI, clientCA bool) *broker.Broker {
	t.Helper()
	c := testConfig(t, "")
	c.Broker.Users = aclUsers
	c.Broker.Username, c.Broker.Password = "vigia", aclPassword("vigia")
	if pki != nil {
		c.Broker.ListenTLS = "127.0.0.1:0"
		c.Broker.TLS = config.BrokerTLS{CertFile: pki.serverCert, KeyFile: pki.serverKey}
		if clientCA {
			c.Broker.TLS.CAFile = pki.caFile
		}
	}
	b, err := broker.Start(embeddedBrokerOptions(c, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestACLEmbeddedBroker(t *testing.T) {
	b := embeddedACLBroker(t, nil, false)
	checkAgencyACL(t, b.URL(), nil)
}

func TestACLEmbeddedBrokerOverTLS(t *testing.T) {
	pki := newTestPKI(t)
	b := embeddedACLBroker(t, pki, false)
	checkAgencyACL(t, b.TLSURL(), pki.clientTLS(t, false))
}

// TLS on the embedded broker: a client trusting the test CA connects; one
// that does not fails verification; with a client CA set, a client with no
// certificate is refused and one with a certificate signed by it connects.
func TestEmbeddedBrokerTLS(t *testing.T) {
	pki := newTestPKI(t)
	b := embeddedACLBroker(t, pki, false)
	if !strings.HasPrefix(b.TLSURL(), "ssl://127.0.0.1:") {
		t.Fatalf("TLS URL %q", b.TLSURL())
	}
	mustDial(t, b.TLSURL(), "tls-with-ca", "uscg", pki.clientTLS(t, false))
	_, err := dial(t, b.TLSURL(), "tls-without-ca", "uscg", "", &tls.Config{})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client not trusting the test CA: err %v, want a certificate verification failure", err)
	}
	other, _ := broker.LoadCertPool(pki.otherCAFile)
	if _, err := dial(t, b.TLSURL(), "tls-other-ca", "uscg", "", &tls.Config{RootCAs: other}); err == nil {
		t.Error("a client trusting another CA connected")
	}

	mtls := embeddedACLBroker(t, pki, true)
	if _, err := dial(t, mtls.TLSURL(), "mtls-no-cert", "uscg", "", pki.clientTLS(t, false)); err == nil {
		t.Error("with broker.tls.ca_file set, a client without a certificate connected")
	}
	mustDial(t, mtls.TLSURL(), "mtls-cert", "uscg", pki.clientTLS(t, true))
	// The plain listener (the daemon's, on loopback) still works, with a password.
	mustDial(t, mtls.URL(), "plain", "vigia", nil)
}

// The daemon as a TLS client (broker.url ssl://…, broker.tls) of a broker
// requiring client certificates and passwords connects and becomes ready.
func TestDaemonConnectsOverTLS(t *testing.T) {
	pki := newTestPKI(t)
	b := embeddedACLBroker(t, pki, true)
	c := testConfig(t, b.TLSURL())
	c.Broker.Username, c.Broker.Password = "vigia", aclPassword("vigia")
	c.Broker.TLS = config.BrokerTLS{CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey}
	r := startDaemon(t, c)
	if r.d.brk != nil {
		t.Fatal("the daemon started its embedded broker")
	}
	uscg := mustDial(t, b.TLSURL(), "tls-ops", "uscg", pki.clientTLS(t, true))
	box := &inbox{}
	subscribeAll(t, uscg, box, "vigia/status/+")
	eventually(t, box, "USCG", "vigia/status/"+c.Instance+" online")
}

func TestTLSConfig(t *testing.T) {
	pki := newTestPKI(t)
	for _, b := range []config.Broker{
		{},
		{URL: "tcp://127.0.0.1:1883", TLS: config.BrokerTLS{CAFile: pki.caFile}},
		{TLS: config.BrokerTLS{CertFile: pki.serverCert, KeyFile: pki.serverKey}, ListenTLS: ":8883"},
		{URL: "ssl://broker:8883"},
	} {
		if c, err := tlsConfig(b); c != nil || err != nil {
			t.Errorf("tlsConfig(%+v) = %v, %v; want nil, nil", b, c, err)
		}
	}
	c, err := tlsConfig(config.Broker{URL: "mqtts://broker.example:8883",
		TLS: config.BrokerTLS{CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey}})
	if err != nil || c.RootCAs == nil || len(c.Certificates) != 1 || c.ServerName != "broker.example" || c.InsecureSkipVerify {
		t.Errorf("tlsConfig with CA and client certificate = %+v, %v", c, err)
	}
	missing := filepath.Join(t.TempDir(), "nope.pem")
	for _, x := range []struct {
		tls  config.BrokerTLS
		want string
	}{
		{config.BrokerTLS{CAFile: missing}, "broker.tls.ca_file: open " + missing},
		{config.BrokerTLS{CAFile: pki.clientKey}, "broker.tls.ca_file: " + pki.clientKey + ": no PEM certificate"},
		{config.BrokerTLS{CertFile: pki.clientCert, KeyFile: missing}, "broker.tls.cert_file: certificate " + pki.clientCert + " with key " + missing},
		{config.BrokerTLS{CertFile: pki.clientCert, KeyFile: pki.serverKey}, "broker.tls.cert_file: certificate " + pki.clientCert},
		{config.BrokerTLS{CertFile: pki.clientCert}, "broker.tls.key_file: required"},
	} {
		_, err := tlsConfig(config.Broker{URL: "ssl://broker:8883", TLS: x.tls})
		if err == nil || !strings.Contains(err.Error(), x.want) {
			t.Errorf("tlsConfig(%+v): err %v, want %q", x.tls, err, x.want)
		}
	}
}

// Validation of broker.users, broker.tls and broker.listen_tls names the key at fault.
func TestBrokerSecurityValidation(t *testing.T) {
	pki := newTestPKI(t)
	parse := func(brokerYAML string) error {
		y := regexp.MustCompile(`(?m)^broker:\n(  .*\n)*`).ReplaceAllLiteralString(string(config.BuiltinYAML()), "broker:\n"+brokerYAML)
		_, err := config.Parse([]byte(y), "test.yaml")
		return err
	}
	users := `  username: vigia
  password: pw
  users:
    - {username: vigia, password: pw, role: daemon}
    - {username: uscg, password: pw2, role: agency, agency: uscg}
`
	if err := parse(users); err != nil {
		t.Fatalf("valid users: %v", err)
	}
	if err := parse(fmt.Sprintf("  listen_tls: 127.0.0.1:8883\n  tls: {cert_file: %s, key_file: %s, ca_file: %s}\n",
		pki.serverCert, pki.serverKey, pki.caFile)); err != nil {
		t.Fatalf("valid TLS listener: %v", err)
	}
	for _, x := range []struct{ yaml, want string }{
		{strings.Replace(users, "agency: uscg}", "agency: xyz}", 1),
			`broker.users[1].agency: agency "xyz" is not configured under agencies`},
		{strings.Replace(users, "role: agency, agency: uscg", "role: gateway, agency: uscg", 1), "broker.users[1].agency: only a user with role agency"},
		{strings.Replace(users, "role: agency, ", "role: boss, ", 1), `broker.users[1].role: "boss" is not one of daemon, gateway, agency, admin`},
		{strings.Replace(users, "role: agency, agency: uscg", "role: agency", 1), "broker.users[1].agency: required"},
		{strings.Replace(users, "username: uscg", "username: vigia", 1), `broker.users[1].username: user "vigia" is listed twice`},
		{strings.Replace(users, "password: pw2, ", "", 1), "broker.users[1].password: required"},
		{strings.Replace(users, "username: vigia\n", "username: uscg\n", 1), `broker.username: "uscg" has role "agency"`},
		{strings.Replace(users, "  username: vigia\n", "", 1), "broker.username: required when broker.users is set"},
		{strings.Replace(users, "password: pw\n", "password: other\n", 1), "broker.password: is not the password of broker.users[0]"},
		{"  url: tcp://b:1883\n" + users, "broker.users: users of the embedded broker"},
		{"  url: tcp://b:1883\n  tls: {ca_file: " + pki.caFile + "}\n", `broker.tls: set, but broker.url "tcp://b:1883" does not use TLS`},
		{"  listen_tls: 127.0.0.1:8883\n", "broker.tls.cert_file: broker.listen_tls needs"},
		{"  tls: {ca_file: " + pki.caFile + "}\n", "broker.tls: set, but neither"},
		{"  url: ssl://b:8883\n  tls: {ca_file: /nonexistent/ca.pem}\n", "broker.tls.ca_file: open /nonexistent/ca.pem"},
		{"  url: ssl://b:8883\n  tls: {cert_file: " + pki.clientCert + "}\n", "broker.tls.key_file: required with broker.tls.cert_file"},
		{"  url: ssl://b:8883\n  tls: {cert_file: " + pki.clientCert + ", key_file: " + pki.serverKey + "}\n", "broker.tls.cert_file: certificate " + pki.clientCert},
	} {
		err := parse(x.yaml)
		if err == nil || !strings.Contains(err.Error(), x.want) {
			t.Errorf("broker section\n%s: err %v\nwant %q", x.yaml, err, x.want)
		}
	}
}

// mosquittoPasswd finds mosquitto_passwd (it comes with the mosquitto package).
func mosquittoPasswd(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"mosquitto_passwd", "/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatal("mosquitto is installed but mosquitto_passwd is not")
	return ""
}

// startSecureMosquitto runs mosquitto with deploy/mosquitto/mosquitto.conf,
// its ACL file and a password file of aclUsers made by mosquitto_passwd,
// on free loopback ports, with the test PKI's certificates. It returns the
// plain and the TLS URL.
func startSecureMosquitto(t *testing.T, pki *testPKI) (plainURL, tlsURL string) {
	t.Helper()
	bin := mosquittoPath(t)
	dir := t.TempDir()
	var pw bytes.Buffer
	for _, u := range aclUsers {
		fmt.Fprintf(&pw, "%s:%s\n", u.Username, u.Password)
	}
	passwd := filepath.Join(dir, "passwd")
	if err := os.WriteFile(passwd, pw.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mosquittoPasswd(t), "-U", passwd).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd -U: %v\n%s", err, out)
	}
	acl, err := filepath.Abs(filepath.Join("..", "deploy", "mosquitto", "acl"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join("..", "deploy", "mosquitto", "mosquitto.conf"))
	if err != nil {
		t.Fatal(err)
	}
	plainPort, tlsPort := freePort(t), freePort(t)
	set := map[string]string{
		"password_file":        passwd,
		"acl_file":             acl,
		"certfile":             pki.serverCert,
		"keyfile":              pki.serverKey,
		"cafile":               pki.caFile,
		"persistence_location": dir + "/",
		"log_dest":             "stderr",
	}
	var conf strings.Builder
	listeners := 0
	for line := range strings.Lines(string(example)) {
		f := strings.Fields(line)
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "#"):
		case f[0] == "listener":
			port := plainPort
			if listeners++; listeners == 2 {
				port = tlsPort
			}
			fmt.Fprintf(&conf, "listener %d 127.0.0.1\n", port)
		case set[f[0]] != "":
			fmt.Fprintf(&conf, "%s %s\n", f[0], set[f[0]])
		default:
			conf.WriteString(line)
		}
	}
	if listeners != 2 {
		t.Fatalf("deploy/mosquitto/mosquitto.conf has %d listeners, the test expects 2 (plain, TLS)", listeners)
	}
	if os.Geteuid() == 0 {
		// As root, mosquitto would switch to the mosquitto user, who cannot
		// read the test's private temporary files.
		conf.WriteString("user root\n")
	}
	runMosquitto(t, bin, dir, conf.String(), plainPort, tlsPort)
	return "tcp://127.0.0.1:" + strconv.Itoa(plainPort), "ssl://127.0.0.1:" + strconv.Itoa(tlsPort)
}

// The example mosquitto configuration and ACL, with a real mosquitto: the
// same checks as the embedded broker's, on the plain and the TLS listener.
func TestACLMosquitto(t *testing.T) {
	pki := newTestPKI(t)
	plain, secure := startSecureMosquitto(t, pki)
	t.Run("plain", func(t *testing.T) { checkAgencyACL(t, plain, nil) })
	t.Run("tls", func(t *testing.T) { checkAgencyACL(t, secure, pki.clientTLS(t, true)) })
	t.Run("tls-refusals", func(t *testing.T) {
		if _, err := dial(t, secure, "mq-no-ca", "uscg", "", &tls.Config{}); err == nil {
			t.Error("a client not trusting the test CA connected")
		}
		if _, err := dial(t, secure, "mq-no-cert", "uscg", "", pki.clientTLS(t, false)); err == nil {
			t.Error("require_certificate: a client without a certificate connected")
		}
	})
	t.Run("daemon", func(t *testing.T) {
		c := testConfig(t, secure)
		c.Broker.Username, c.Broker.Password = "vigia", aclPassword("vigia")
		c.Broker.TLS = config.BrokerTLS{CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey}
		startDaemon(t, c)
		uscg := mustDial(t, plain, "mq-ops", "uscg", nil)
		box := &inbox{}
		subscribeAll(t, uscg, box, "vigia/status/+")
		eventually(t, box, "USCG", "vigia/status/"+c.Instance+" online")
	})
}
