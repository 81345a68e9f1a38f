# tests/model/: the notify_me/notified protocol, model-checked with spin.
SH_TESTS += tests/model/spin-notify.sh
