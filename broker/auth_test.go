package broker

import (
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

func TestCovers(t *testing.T) {
	for _, c := range []struct {
		pattern, filter string
		want            bool
	}{
		{"vigia/alerts/uscg", "vigia/alerts/uscg", true},
		{"vigia/alerts/uscg", "vigia/alerts/semar", false},
		{"vigia/alerts/uscg", "vigia/alerts/+", false},
		{"vigia/alerts/uscg", "vigia/alerts/#", false},
		{"vigia/alerts/uscg", "vigia/#", false},
		{"vigia/alerts/uscg", "#", false},
		{"vigia/alerts/uscg", "vigia/alerts/uscg/x", false},
		{"vigia/alerts/uscg", "vigia/alerts", false},
		{"vigia/obs/#", "vigia/obs/radar/x", true},
		{"vigia/obs/#", "vigia/obs", true},
		{"vigia/obs/#", "vigia/obs/+/x", true},
		{"vigia/obs/#", "vigia/obs/#", true},
		{"vigia/obs/#", "vigia/obsx/radar", false},
		{"vigia/obs/#", "vigia/+/radar/x", false},
		{"vigia/status/+", "vigia/status/gulf-1", true},
		{"vigia/status/+", "vigia/status/+", true},
		{"vigia/status/+", "vigia/status/#", false},
		{"vigia/status/+", "vigia/status/a/b", false},
		{"#", "vigia/anything", true},
		{"#", "$SYS/broker/uptime", false},
		{"vigia/assets/uscg/#", "$share/g/vigia/assets/uscg/x", false},
	} {
		if got := covers(c.pattern, c.filter); got != c.want {
			t.Errorf("covers(%q, %q) = %v, want %v", c.pattern, c.filter, got, c.want)
		}
	}
}

func TestUserPermissionsRefusesBadUsers(t *testing.T) {
	for _, u := range []User{
		{Username: "x", Password: "p", Role: "root"},
		{Username: "x", Password: "p", Role: RoleAgency},
		{Username: "x", Password: "p", Role: RoleAgency, Agency: "us/#"},
	} {
		if _, err := Start(Options{Addr: "127.0.0.1:0", MaxInflight: 10, MaxPending: 10, TopicPrefix: "vigia/", Users: []User{u}}); err == nil {
			t.Errorf("Start with user %+v: no error", u)
		}
	}
	if _, err := Start(Options{Addr: "127.0.0.1:0", MaxInflight: 10, MaxPending: 10, TopicPrefix: "vigia/",
		Users: []User{{Username: "a", Password: "p", Role: RoleAdmin}, {Username: "a", Password: "q", Role: RoleDaemon}}}); err == nil {
		t.Error("Start with a user listed twice: no error")
	}
}

func tryConnect(url string, configure func(*paho.ClientOptions)) error {
	o := paho.NewClientOptions().AddBroker(url).SetClientID("auth-test").SetConnectTimeout(5 * time.Second).
		SetAutoReconnect(false)
	configure(o)
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(10 * time.Second) {
		return paho.ErrNotConnected
	}
	if tok.Error() == nil {
		c.Disconnect(100)
	}
	return tok.Error()
}

// With users, anonymous clients, unknown users and wrong passwords are
// refused, and so is a last will on a topic the user may not publish on
// (mochi sends wills without an ACL check: a gateway could otherwise plant
// an alert by disconnecting).
func TestAuthRefusals(t *testing.T) {
	b, err := Start(Options{Addr: "127.0.0.1:0", MaxInflight: 100, MaxPending: 100, TopicPrefix: "vigia/", Users: []User{
		{Username: "gw", Password: "gw-secret", Role: RoleGateway},
		{Username: "vigia", Password: "vigia-secret", Role: RoleDaemon},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for name, c := range map[string]struct {
		ok  bool
		opt func(*paho.ClientOptions)
	}{
		"anonymous":      {false, func(*paho.ClientOptions) {}},
		"unknown user":   {false, func(o *paho.ClientOptions) { o.SetUsername("nobody").SetPassword("gw-secret") }},
		"wrong password": {false, func(o *paho.ClientOptions) { o.SetUsername("gw").SetPassword("vigia-secret") }},
		"no password":    {false, func(o *paho.ClientOptions) { o.SetUsername("gw") }},
		"gateway":        {true, func(o *paho.ClientOptions) { o.SetUsername("gw").SetPassword("gw-secret") }},
		"gateway, will on obs": {true, func(o *paho.ClientOptions) {
			o.SetUsername("gw").SetPassword("gw-secret").SetWill("vigia/obs/radar/gw", "gone", 1, false)
		}},
		"gateway, will on an alert topic": {false, func(o *paho.ClientOptions) {
			o.SetUsername("gw").SetPassword("gw-secret").SetWill("vigia/alerts/uscg", "{}", 1, false)
		}},
		"daemon, will on status": {true, func(o *paho.ClientOptions) {
			o.SetUsername("vigia").SetPassword("vigia-secret").SetWill("vigia/status/x", "offline", 1, true)
		}},
	} {
		err := tryConnect(b.URL(), c.opt)
		if (err == nil) != c.ok {
			t.Errorf("%s: connect error %v, want success %v", name, err, c.ok)
		}
	}
}
