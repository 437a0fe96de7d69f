WorkerCommand.main()
