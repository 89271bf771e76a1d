"""Test helpers: throwaway servers (Dovecot, DNS, HTTP receivers), mail makers, process drivers."""
