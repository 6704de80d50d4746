"""socapi-emulator: an offline stand-in for the Mail.Ru, OK.ru and VK
REST and OAuth endpoints. Run `emulator/socapi-emulator --help`; see
emulator/README.md."""
