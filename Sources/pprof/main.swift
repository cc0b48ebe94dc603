import ProfileDriver

PprofCommand.main()
