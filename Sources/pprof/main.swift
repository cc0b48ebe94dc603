import ProfileShell

PprofCommand.main()
